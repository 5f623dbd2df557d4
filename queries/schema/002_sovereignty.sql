-- Migration 002: sovereignty records: countries, stack layers, vendors, components (by snapshot).
-- A vendor's jurisdiction for the US-exposure scores is its ultimate parent's country (CLOUD Act,
-- FISA 702 follow the parent, not the data's location); its headquarters country gives the
-- second, HQ-only view. Components are recorded per snapshot date and read "as of" a date:
-- a component's state on date D is its latest record on or before D, unless that record is
-- retired. See docs/sovereignty.md.

-- ISO 3166-1 alpha-2 codes (from the public-domain tz database's iso3166.tab, 2023-04-05),
-- with EU-27 and EEA membership as of 2026.
CREATE TABLE IF NOT EXISTS countries (
    code            VARCHAR PRIMARY KEY,   -- ISO 3166-1 alpha-2
    name            VARCHAR NOT NULL,
    eu              BOOLEAN NOT NULL,      -- EU-27 member state
    eea             BOOLEAN NOT NULL       -- EU plus Iceland, Liechtenstein, Norway
);

INSERT OR IGNORE INTO countries VALUES
    ('AD', 'Andorra', false, false),
    ('AE', 'United Arab Emirates', false, false),
    ('AF', 'Afghanistan', false, false),
    ('AG', 'Antigua & Barbuda', false, false),
    ('AI', 'Anguilla', false, false),
    ('AL', 'Albania', false, false),
    ('AM', 'Armenia', false, false),
    ('AO', 'Angola', false, false),
    ('AQ', 'Antarctica', false, false),
    ('AR', 'Argentina', false, false),
    ('AS', 'Samoa (American)', false, false),
    ('AT', 'Austria', true, true),
    ('AU', 'Australia', false, false),
    ('AW', 'Aruba', false, false),
    ('AX', 'Åland Islands', false, false),
    ('AZ', 'Azerbaijan', false, false),
    ('BA', 'Bosnia & Herzegovina', false, false),
    ('BB', 'Barbados', false, false),
    ('BD', 'Bangladesh', false, false),
    ('BE', 'Belgium', true, true),
    ('BF', 'Burkina Faso', false, false),
    ('BG', 'Bulgaria', true, true),
    ('BH', 'Bahrain', false, false),
    ('BI', 'Burundi', false, false),
    ('BJ', 'Benin', false, false),
    ('BL', 'St Barthelemy', false, false),
    ('BM', 'Bermuda', false, false),
    ('BN', 'Brunei', false, false),
    ('BO', 'Bolivia', false, false),
    ('BQ', 'Caribbean NL', false, false),
    ('BR', 'Brazil', false, false),
    ('BS', 'Bahamas', false, false),
    ('BT', 'Bhutan', false, false),
    ('BV', 'Bouvet Island', false, false),
    ('BW', 'Botswana', false, false),
    ('BY', 'Belarus', false, false),
    ('BZ', 'Belize', false, false),
    ('CA', 'Canada', false, false),
    ('CC', 'Cocos (Keeling) Islands', false, false),
    ('CD', 'Congo (Dem. Rep.)', false, false),
    ('CF', 'Central African Rep.', false, false),
    ('CG', 'Congo (Rep.)', false, false),
    ('CH', 'Switzerland', false, false),
    ('CI', 'Côte d''Ivoire', false, false),
    ('CK', 'Cook Islands', false, false),
    ('CL', 'Chile', false, false),
    ('CM', 'Cameroon', false, false),
    ('CN', 'China', false, false),
    ('CO', 'Colombia', false, false),
    ('CR', 'Costa Rica', false, false),
    ('CU', 'Cuba', false, false),
    ('CV', 'Cape Verde', false, false),
    ('CW', 'Curaçao', false, false),
    ('CX', 'Christmas Island', false, false),
    ('CY', 'Cyprus', true, true),
    ('CZ', 'Czech Republic', true, true),
    ('DE', 'Germany', true, true),
    ('DJ', 'Djibouti', false, false),
    ('DK', 'Denmark', true, true),
    ('DM', 'Dominica', false, false),
    ('DO', 'Dominican Republic', false, false),
    ('DZ', 'Algeria', false, false),
    ('EC', 'Ecuador', false, false),
    ('EE', 'Estonia', true, true),
    ('EG', 'Egypt', false, false),
    ('EH', 'Western Sahara', false, false),
    ('ER', 'Eritrea', false, false),
    ('ES', 'Spain', true, true),
    ('ET', 'Ethiopia', false, false),
    ('FI', 'Finland', true, true),
    ('FJ', 'Fiji', false, false),
    ('FK', 'Falkland Islands', false, false),
    ('FM', 'Micronesia', false, false),
    ('FO', 'Faroe Islands', false, false),
    ('FR', 'France', true, true),
    ('GA', 'Gabon', false, false),
    ('GB', 'United Kingdom', false, false),
    ('GD', 'Grenada', false, false),
    ('GE', 'Georgia', false, false),
    ('GF', 'French Guiana', false, false),
    ('GG', 'Guernsey', false, false),
    ('GH', 'Ghana', false, false),
    ('GI', 'Gibraltar', false, false),
    ('GL', 'Greenland', false, false),
    ('GM', 'Gambia', false, false),
    ('GN', 'Guinea', false, false),
    ('GP', 'Guadeloupe', false, false),
    ('GQ', 'Equatorial Guinea', false, false),
    ('GR', 'Greece', true, true),
    ('GS', 'South Georgia & the South Sandwich Islands', false, false),
    ('GT', 'Guatemala', false, false),
    ('GU', 'Guam', false, false),
    ('GW', 'Guinea-Bissau', false, false),
    ('GY', 'Guyana', false, false),
    ('HK', 'Hong Kong', false, false),
    ('HM', 'Heard Island & McDonald Islands', false, false),
    ('HN', 'Honduras', false, false),
    ('HR', 'Croatia', true, true),
    ('HT', 'Haiti', false, false),
    ('HU', 'Hungary', true, true),
    ('ID', 'Indonesia', false, false),
    ('IE', 'Ireland', true, true),
    ('IL', 'Israel', false, false),
    ('IM', 'Isle of Man', false, false),
    ('IN', 'India', false, false),
    ('IO', 'British Indian Ocean Territory', false, false),
    ('IQ', 'Iraq', false, false),
    ('IR', 'Iran', false, false),
    ('IS', 'Iceland', false, true),
    ('IT', 'Italy', true, true),
    ('JE', 'Jersey', false, false),
    ('JM', 'Jamaica', false, false),
    ('JO', 'Jordan', false, false),
    ('JP', 'Japan', false, false),
    ('KE', 'Kenya', false, false),
    ('KG', 'Kyrgyzstan', false, false),
    ('KH', 'Cambodia', false, false),
    ('KI', 'Kiribati', false, false),
    ('KM', 'Comoros', false, false),
    ('KN', 'St Kitts & Nevis', false, false),
    ('KP', 'North Korea', false, false),
    ('KR', 'South Korea', false, false),
    ('KW', 'Kuwait', false, false),
    ('KY', 'Cayman Islands', false, false),
    ('KZ', 'Kazakhstan', false, false),
    ('LA', 'Laos', false, false),
    ('LB', 'Lebanon', false, false),
    ('LC', 'St Lucia', false, false),
    ('LI', 'Liechtenstein', false, true),
    ('LK', 'Sri Lanka', false, false),
    ('LR', 'Liberia', false, false),
    ('LS', 'Lesotho', false, false),
    ('LT', 'Lithuania', true, true),
    ('LU', 'Luxembourg', true, true),
    ('LV', 'Latvia', true, true),
    ('LY', 'Libya', false, false),
    ('MA', 'Morocco', false, false),
    ('MC', 'Monaco', false, false),
    ('MD', 'Moldova', false, false),
    ('ME', 'Montenegro', false, false),
    ('MF', 'St Martin (French)', false, false),
    ('MG', 'Madagascar', false, false),
    ('MH', 'Marshall Islands', false, false),
    ('MK', 'North Macedonia', false, false),
    ('ML', 'Mali', false, false),
    ('MM', 'Myanmar (Burma)', false, false),
    ('MN', 'Mongolia', false, false),
    ('MO', 'Macau', false, false),
    ('MP', 'Northern Mariana Islands', false, false),
    ('MQ', 'Martinique', false, false),
    ('MR', 'Mauritania', false, false),
    ('MS', 'Montserrat', false, false),
    ('MT', 'Malta', true, true),
    ('MU', 'Mauritius', false, false),
    ('MV', 'Maldives', false, false),
    ('MW', 'Malawi', false, false),
    ('MX', 'Mexico', false, false),
    ('MY', 'Malaysia', false, false),
    ('MZ', 'Mozambique', false, false),
    ('NA', 'Namibia', false, false),
    ('NC', 'New Caledonia', false, false),
    ('NE', 'Niger', false, false),
    ('NF', 'Norfolk Island', false, false),
    ('NG', 'Nigeria', false, false),
    ('NI', 'Nicaragua', false, false),
    ('NL', 'Netherlands', true, true),
    ('NO', 'Norway', false, true),
    ('NP', 'Nepal', false, false),
    ('NR', 'Nauru', false, false),
    ('NU', 'Niue', false, false),
    ('NZ', 'New Zealand', false, false),
    ('OM', 'Oman', false, false),
    ('PA', 'Panama', false, false),
    ('PE', 'Peru', false, false),
    ('PF', 'French Polynesia', false, false),
    ('PG', 'Papua New Guinea', false, false),
    ('PH', 'Philippines', false, false),
    ('PK', 'Pakistan', false, false),
    ('PL', 'Poland', true, true),
    ('PM', 'St Pierre & Miquelon', false, false),
    ('PN', 'Pitcairn', false, false),
    ('PR', 'Puerto Rico', false, false),
    ('PS', 'Palestine', false, false),
    ('PT', 'Portugal', true, true),
    ('PW', 'Palau', false, false),
    ('PY', 'Paraguay', false, false),
    ('QA', 'Qatar', false, false),
    ('RE', 'Réunion', false, false),
    ('RO', 'Romania', true, true),
    ('RS', 'Serbia', false, false),
    ('RU', 'Russia', false, false),
    ('RW', 'Rwanda', false, false),
    ('SA', 'Saudi Arabia', false, false),
    ('SB', 'Solomon Islands', false, false),
    ('SC', 'Seychelles', false, false),
    ('SD', 'Sudan', false, false),
    ('SE', 'Sweden', true, true),
    ('SG', 'Singapore', false, false),
    ('SH', 'St Helena', false, false),
    ('SI', 'Slovenia', true, true),
    ('SJ', 'Svalbard & Jan Mayen', false, false),
    ('SK', 'Slovakia', true, true),
    ('SL', 'Sierra Leone', false, false),
    ('SM', 'San Marino', false, false),
    ('SN', 'Senegal', false, false),
    ('SO', 'Somalia', false, false),
    ('SR', 'Suriname', false, false),
    ('SS', 'South Sudan', false, false),
    ('ST', 'Sao Tome & Principe', false, false),
    ('SV', 'El Salvador', false, false),
    ('SX', 'St Maarten (Dutch)', false, false),
    ('SY', 'Syria', false, false),
    ('SZ', 'Eswatini (Swaziland)', false, false),
    ('TC', 'Turks & Caicos Is', false, false),
    ('TD', 'Chad', false, false),
    ('TF', 'French S. Terr.', false, false),
    ('TG', 'Togo', false, false),
    ('TH', 'Thailand', false, false),
    ('TJ', 'Tajikistan', false, false),
    ('TK', 'Tokelau', false, false),
    ('TL', 'East Timor', false, false),
    ('TM', 'Turkmenistan', false, false),
    ('TN', 'Tunisia', false, false),
    ('TO', 'Tonga', false, false),
    ('TR', 'Turkey', false, false),
    ('TT', 'Trinidad & Tobago', false, false),
    ('TV', 'Tuvalu', false, false),
    ('TW', 'Taiwan', false, false),
    ('TZ', 'Tanzania', false, false),
    ('UA', 'Ukraine', false, false),
    ('UG', 'Uganda', false, false),
    ('UM', 'US minor outlying islands', false, false),
    ('US', 'United States', false, false),
    ('UY', 'Uruguay', false, false),
    ('UZ', 'Uzbekistan', false, false),
    ('VA', 'Vatican City', false, false),
    ('VC', 'St Vincent', false, false),
    ('VE', 'Venezuela', false, false),
    ('VG', 'Virgin Islands (UK)', false, false),
    ('VI', 'Virgin Islands (US)', false, false),
    ('VN', 'Vietnam', false, false),
    ('VU', 'Vanuatu', false, false),
    ('WF', 'Wallis & Futuna', false, false),
    ('WS', 'Samoa (western)', false, false),
    ('YE', 'Yemen', false, false),
    ('YT', 'Mayotte', false, false),
    ('ZA', 'South Africa', false, false),
    ('ZM', 'Zambia', false, false),
    ('ZW', 'Zimbabwe', false, false);

-- Country names as SBOMs write them (CycloneDX address.country may be a name), lower case.
CREATE TABLE IF NOT EXISTS country_names (
    name            VARCHAR PRIMARY KEY,   -- lower case
    code            VARCHAR NOT NULL
);
INSERT OR IGNORE INTO country_names SELECT lower(name), code FROM countries;
INSERT OR IGNORE INTO country_names VALUES
    ('united states of america', 'US'), ('usa', 'US'), ('u.s.a.', 'US'), ('u.s.', 'US'),
    ('united kingdom', 'GB'), ('great britain', 'GB'), ('uk', 'GB'),
    ('united kingdom of great britain and northern ireland', 'GB'),
    ('czechia', 'CZ'), ('türkiye', 'TR'), ('turkiye', 'TR'), ('south korea', 'KR'),
    ('republic of korea', 'KR'), ('korea, republic of', 'KR'), ('north korea', 'KP'),
    ('taiwan, province of china', 'TW'), ('russian federation', 'RU'),
    ('netherlands (kingdom of the)', 'NL'), ('the netherlands', 'NL'), ('holland', 'NL'),
    ('deutschland', 'DE'), ('federal republic of germany', 'DE'), ('république française', 'FR'),
    ('viet nam', 'VN'), ('hong kong sar', 'HK'), ('macao', 'MO'), ('macau', 'MO'),
    ('israel (state of)', 'IL'), ('state of israel', 'IL'), ('swiss confederation', 'CH');

-- The stack's layers, from the building's power to the services on top.
CREATE TABLE IF NOT EXISTS sov_layers (
    layer           VARCHAR PRIMARY KEY,
    label           VARCHAR NOT NULL,
    ord             INTEGER NOT NULL
);
INSERT OR IGNORE INTO sov_layers VALUES
    ('facility_energy', 'Facility and energy', 1),
    ('silicon', 'Silicon', 2),
    ('systems', 'Systems', 3),
    ('networking', 'Networking', 4),
    ('storage', 'Storage', 5),
    ('firmware', 'Firmware', 6),
    ('operating_system', 'Operating system', 7),
    ('orchestration', 'Orchestration', 8),
    ('ai_frameworks', 'AI frameworks', 9),
    ('models', 'Models', 10),
    ('services_operations', 'Services and operations', 11);

CREATE TABLE IF NOT EXISTS vendors (
    vendor_id       VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    hq_country      VARCHAR NOT NULL,      -- ISO 3166-1 alpha-2 of the headquarters
    parent          VARCHAR,               -- ultimate parent company (NULL: independent)
    parent_country  VARCHAR,               -- ISO 3166-1 alpha-2 of the ultimate parent (NULL: independent)
    notes           VARCHAR,               -- ownership facts and their source
    registered_by   INTEGER                -- load_id that first stored this vendor
);

CREATE TABLE IF NOT EXISTS components (
    snapshot_date   DATE NOT NULL,         -- the record describes the component as of this date
    component_id    VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,
    layer           VARCHAR NOT NULL,      -- sov_layers.layer
    vendor_id       VARCHAR NOT NULL,      -- vendors.vendor_id
    quantity        DOUBLE,                -- units, licences, seats ... (informational)
    annual_spend_eur DOUBLE,               -- EUR per year (capex annualised + opex); NULL: unknown
    criticality     INTEGER NOT NULL CHECK (criticality BETWEEN 1 AND 5),  -- 5: site stops without it
    open_source     BOOLEAN NOT NULL DEFAULT false,
    export_controlled BOOLEAN NOT NULL DEFAULT false,  -- e.g. US EAR ECCN 3A090/4A090
    licence_server  BOOLEAN NOT NULL DEFAULT false,    -- stops without the vendor's licence server
    cloud_connection BOOLEAN NOT NULL DEFAULT false,   -- stops without the vendor's cloud service
    alternative     VARCHAR,               -- the EU or open alternative that exists (NULL: none)
    alternative_vendor_id VARCHAR,         -- its vendor, for the what-if levers
    alternative_open_source BOOLEAN NOT NULL DEFAULT false,  -- the alternative is open source
    alternative_spend_eur DOUBLE,          -- EUR per year after switching (NULL: same as now)
    switch_cost_eur DOUBLE,                -- one-off cost of switching, EUR (NULL: one year's spend)
    retired         BOOLEAN NOT NULL DEFAULT false,    -- gone from the stack as of snapshot_date
    source          VARCHAR,               -- csv | yaml | sbom:<serial number>
    notes           VARCHAR,
    load_id         INTEGER NOT NULL,
    PRIMARY KEY (snapshot_date, component_id)
);

-- The stack as of every snapshot date: each component's latest record on or before the date,
-- retired ones left out, joined with its vendor's jurisdictions. The score queries read this.
CREATE OR REPLACE VIEW sov_stack AS
WITH dates AS (SELECT DISTINCT snapshot_date AS as_of FROM components),
latest AS (
    SELECT d.as_of, c.*,
           row_number() OVER (PARTITION BY d.as_of, c.component_id ORDER BY c.snapshot_date DESC) AS rn
    FROM dates d JOIN components c ON c.snapshot_date <= d.as_of
)
SELECT l.as_of, l.component_id, l.snapshot_date AS recorded_on, l.name, l.layer,
       ly.label AS layer_label, ly.ord AS layer_ord,
       l.vendor_id, v.name AS vendor, v.hq_country,
       coalesce(v.parent, v.name) AS ultimate_parent,
       coalesce(v.parent_country, v.hq_country) AS control_country,
       l.quantity, coalesce(l.annual_spend_eur, 0) AS spend_eur, l.annual_spend_eur IS NULL AS spend_unknown,
       l.criticality, l.open_source, l.export_controlled, l.licence_server, l.cloud_connection,
       l.alternative, l.alternative_vendor_id, l.alternative_open_source, l.alternative_spend_eur, l.switch_cost_eur,
       l.source, l.notes,
       coalesce(v.parent_country, v.hq_country) = 'US' AS us_parent,     -- US-controlled (parent view)
       v.hq_country = 'US' AS us_hq,                                     -- US-headquartered (HQ view)
       coalesce(pc.eu, false) AS eu_parent,                              -- EU-controlled
       (l.licence_server OR l.cloud_connection) AS needs_vendor_service
FROM latest l
JOIN vendors v ON v.vendor_id = l.vendor_id
JOIN sov_layers ly ON ly.layer = l.layer
LEFT JOIN countries pc ON pc.code = coalesce(v.parent_country, v.hq_country)
WHERE l.rn = 1 AND NOT l.retired;
