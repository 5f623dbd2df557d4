-- title: The ISO 3166-1 alpha-2 code for a code or a country name as a CycloneDX address.country gives it
-- returns: at most one row: code (NULL rows: neither a known code nor a known name)
-- param: value VARCHAR: the address.country text
SELECT code FROM (
    SELECT code, 1 AS pref FROM countries WHERE length(trim($value)) = 2 AND code = upper(trim($value))
    UNION ALL
    SELECT code, 2 FROM country_names WHERE name = lower(trim($value))
)
ORDER BY pref
LIMIT 1
