-- Definitions: the peer comparison rules for the ctx_*.sql queries (Context page), each written
-- once. Applied as TEMP objects on every connection (dashboard/store.py); see docs/peers.md
-- "How the Context page compares".
--
-- The rule: a figure is placed beside the site only at the precision, sparsity and basis it was
-- stated at. Nothing is converted from one precision to another, from peak to measured, or from
-- a claim to a peak; a peer without a figure at the chosen comparison is returned as missing,
-- with what it does have.
--
-- Macro parameters shadow column names inside a macro: never name a parameter after a column.

-- peer_figures → VIEW
-- One row per stored peer figure (table peers) with its metric's vocabulary (peer_metrics):
-- quantity (flops, accelerators, power, investment, other), basis (flops: measured, peak,
-- stated), compared, derived (the metric is derived, or the source kind says so), and the value
-- in the base unit of its quantity (TFLOPS, accelerators, kW, EUR): low, high. low/high are NULL
-- where the unit is not one of the quantity's (a "10x" claim), so such a figure is listed, never
-- placed. url: the first of the row's source URLs.
CREATE OR REPLACE TEMP VIEW peer_figures AS
SELECT p.row_id, p.peer_id, p.peer, p.peer_group, p.status, p.metric, m.quantity, m.basis, m.compared,
       m.derived OR p.source_kind ILIKE 'derived%' AS derived,
       p.precision, p.sparsity, p.value, p.unit, p.unit_note,
       CASE WHEN u.quantity = m.quantity THEN p.value_low * u.factor END AS low,
       CASE WHEN u.quantity = m.quantity THEN p.value_high * u.factor END AS high,
       p.source, trim(split_part(p.source, ';', 1)) AS url, p.source_kind, p.source_note, p.confidence,
       p.basis AS basis_text, p.note, p.inferred, p.load_id
FROM peers p
JOIN peer_metrics m ON m.metric = p.metric
LEFT JOIN peer_units u ON u.unit = p.unit;

-- peer_label(prec, spars, bas) → VARCHAR
-- A comparison in words: "FP64 HPL Rmax (measured)", "FP8 dense peak", "FP8 sparse claim",
-- "FP8 claim, sparsity not stated", "claim, precision not stated".
CREATE OR REPLACE TEMP MACRO peer_label(prec, spars, bas) AS
    CASE
        WHEN prec IS NULL THEN CASE bas WHEN 'stated' THEN 'claim' ELSE coalesce(bas, 'figure') END || ', precision not stated'
        WHEN bas = 'measured' THEN upper(prec) || ' HPL Rmax (measured)'
        WHEN spars IS NULL THEN upper(prec) || ' ' || CASE bas WHEN 'stated' THEN 'claim' ELSE coalesce(bas, 'figure') END
                                || ', sparsity not stated'
        ELSE upper(prec) || ' ' || spars || ' ' || CASE bas WHEN 'stated' THEN 'claim' ELSE coalesce(bas, 'figure') END
    END;

-- peer_value_text(qty, v) → VARCHAR
-- A value in a quantity's base unit (TFLOPS, accelerators, kW, EUR) written as the reference file
-- writes it: "3.71 EFLOP/s", "1,024 accelerators", "926 kW", "1 bn EUR" (three significant figures).
CREATE OR REPLACE TEMP MACRO peer_value_text(qty, v) AS
    CASE
        WHEN v IS NULL THEN NULL
        WHEN qty = 'flops' THEN
            CASE WHEN v >= 1e6 THEN printf('%.3g EFLOP/s', v / 1e6) WHEN v >= 1e3 THEN printf('%.3g PFLOP/s', v / 1e3)
                 ELSE printf('%.3g TFLOP/s', v) END
        WHEN qty = 'accelerators' THEN format('{:,}', CAST(round(v) AS BIGINT)) || ' accelerators'
        WHEN qty = 'power' THEN CASE WHEN v >= 1e3 THEN printf('%.3g MW', v / 1e3) ELSE printf('%.3g kW', v) END
        WHEN qty = 'investment' THEN printf('%.3g bn EUR', v / 1e9)
        ELSE CAST(v AS VARCHAR)
    END;

-- peer_compare(qty, prec, spars, bas, site_value) → TABLE
-- One row per peer in the reference data. Its figure for quantity qty — for flops only the
-- figures stated at exactly precision prec, sparsity spars and basis bas — over all its compared
-- rows: value_low (the lowest lower end), value_high (the highest upper end; a peer with several
-- reports shows their range), stated (the sources' own text), metrics, derived (any figure
-- derived), source_kind, source (first URL), sources (all), confidence; and site_share_min /
-- site_share_max = site_value / value_high and site_value / value_low. A peer without such a
-- figure has value_low = value_high = NULL and `missing` saying what it has instead.
CREATE OR REPLACE TEMP MACRO peer_compare(qty, prec, spars, bas, site_value) AS TABLE
WITH f AS (
    SELECT * FROM peer_figures
    WHERE quantity = qty AND compared AND (low IS NOT NULL OR high IS NOT NULL)
      AND (qty <> 'flops' OR (precision = prec AND sparsity = spars AND basis = bas))
),
hit AS (
    SELECT peer_id, arg_min(peer_group, row_id) AS peer_group,
           min(low) AS value_low, max(high) AS value_high,
           string_agg(value || ' ' || unit || coalesce(' (' || unit_note || ')', ''), '; ' ORDER BY row_id) AS stated,
           string_agg(metric, ', ' ORDER BY row_id) AS metrics,
           any_value(precision) AS precision, any_value(sparsity) AS sparsity, any_value(basis) AS basis,
           bool_or(derived) AS derived,
           string_agg(DISTINCT source_kind, '; ' ORDER BY source_kind) AS source_kind,
           arg_min(url, row_id) AS source,
           string_agg(source, ' ; ' ORDER BY row_id) AS sources,
           string_agg(DISTINCT confidence, ', ' ORDER BY confidence) AS confidence
    FROM f GROUP BY peer_id
),
other AS (
    -- what a peer has instead: its figures of the quantity that are not the one compared
    SELECT peer_id,
           -- ordered, so the text is the same whatever order the rows were stored in
           list_aggregate(list_sort(list_distinct(list(
               CASE WHEN qty = 'flops' AND compared
                    THEN peer_label(precision, sparsity, basis)
                         || CASE WHEN low IS NULL AND high IS NULL THEN ' (' || value || ' ' || unit || ', not a FLOPS number)' ELSE '' END
                    ELSE metric || ' ' || value || ' ' || coalesce(unit, '') END))), 'string_agg', '; ') AS has
    FROM peer_figures
    WHERE quantity = qty AND row_id NOT IN (SELECT row_id FROM f)
    GROUP BY peer_id
),
peer AS (
    SELECT peer_id, arg_min(peer, row_id) AS peer, arg_min(peer_group, row_id) AS peer_group,
           arg_min(status, row_id) AS status
    FROM peer_figures GROUP BY peer_id
)
SELECT p.peer_id, p.peer, coalesce(h.peer_group, p.peer_group) AS peer_group, p.status, h.metrics, h.stated,
       h.precision, h.sparsity, h.basis, h.value_low, h.value_high, coalesce(h.value_low, h.value_high) AS value,
       coalesce(h.derived, false) AS derived,
       site_value / nullif(h.value_high, 0) AS site_share_min, site_value / nullif(h.value_low, 0) AS site_share_max,
       h.source_kind, h.source, h.sources, h.confidence,
       CASE WHEN h.peer_id IS NULL THEN
           'no ' || CASE WHEN qty = 'flops' THEN peer_label(prec, spars, bas) ELSE qty END || ' figure'
           || coalesce('; has: ' || o.has, CASE WHEN qty = 'flops' THEN '; no FLOPS figure at all' ELSE '' END)
       END AS missing
FROM peer p
LEFT JOIN hit h USING (peer_id)
LEFT JOIN other o USING (peer_id);

-- site_beside_peers(qty, prec, spars, bas, site_value, site_source, site_missing) → TABLE
-- The store's own row (peer_id '(store)', is_site true: site_value written as the sources write
-- theirs, its comparison's precision, sparsity and basis; `missing` = site_missing when there is no
-- site_value), then peer_compare's row for every peer: the rows of the Context page's comparisons.
CREATE OR REPLACE TEMP MACRO site_beside_peers(qty, prec, spars, bas, site_value, site_source, site_missing) AS TABLE
SELECT '(store)' AS peer_id, 'This site (store)' AS peer, 'this site (store)' AS peer_group, true AS is_site,
       site_source AS metrics, peer_value_text(qty, site_value) AS stated,
       CASE WHEN site_value IS NOT NULL THEN prec END AS precision,
       CASE WHEN site_value IS NOT NULL THEN spars END AS sparsity,
       CASE WHEN site_value IS NOT NULL THEN bas END AS basis,
       site_value AS value_low, site_value AS value_high, site_value AS value, false AS derived,
       NULL::DOUBLE AS site_share_min, NULL::DOUBLE AS site_share_max,
       'this store' AS source_kind, NULL::VARCHAR AS source, NULL::VARCHAR AS sources, NULL::VARCHAR AS confidence,
       CASE WHEN site_value IS NULL THEN site_missing END AS missing
UNION ALL
SELECT peer_id, peer, peer_group, false, metrics, stated, precision, sparsity, basis,
       value_low, value_high, value, derived, site_share_min, site_share_max,
       source_kind, source, sources, confidence, missing
FROM peer_compare(qty, prec, spars, bas, site_value);
