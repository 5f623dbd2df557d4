-- title: Add peer figures not yet stored
-- returns: count of figures added (a row_id not stored before)
-- param: load_id INTEGER: this load, recorded on each row it stores
INSERT INTO peers
SELECT row_id, peer_id, peer, operator, country, peer_group, status, status_date, accelerator, metric,
       value, unit, precision, sparsity, basis, source, source_kind, confidence, note, value_low,
       value_high, unit_note, inferred, source_note, $load_id
FROM checked c
WHERE reason IS NULL
  AND NOT EXISTS (SELECT 1 FROM peers p WHERE p.row_id = c.row_id)
ORDER BY line
