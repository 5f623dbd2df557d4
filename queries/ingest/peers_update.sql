-- title: Update peer figures whose text, numbers or source changed
-- returns: count of figures changed (the new file's row replaces the stored one; load_id is this load's)
UPDATE peers p SET
    peer_id = c.peer_id, peer = c.peer, operator = c.operator, country = c.country,
    peer_group = c.peer_group, status = c.status, status_date = c.status_date,
    accelerator = c.accelerator, metric = c.metric, value = c.value, unit = c.unit,
    precision = c.precision, sparsity = c.sparsity, basis = c.basis, source = c.source,
    source_kind = c.source_kind, confidence = c.confidence, note = c.note, value_low = c.value_low,
    value_high = c.value_high, unit_note = c.unit_note, inferred = c.inferred, source_note = c.source_note,
    load_id = currval('load_id_seq')  -- this load (the loader drew its id from the sequence)
FROM checked c
WHERE c.reason IS NULL AND c.row_id = p.row_id
  AND (c.peer_id, c.peer, c.operator, c.country, c.peer_group, c.status, c.status_date, c.accelerator,
       c.metric, c.value, c.unit, c.precision, c.sparsity, c.basis, c.source, c.source_kind, c.confidence,
       c.note, c.value_low, c.value_high, c.unit_note, c.inferred, c.source_note)
      IS DISTINCT FROM
      (p.peer_id, p.peer, p.operator, p.country, p.peer_group, p.status, p.status_date, p.accelerator,
       p.metric, p.value, p.unit, p.precision, p.sparsity, p.basis, p.source, p.source_kind, p.confidence,
       p.note, p.value_low, p.value_high, p.unit_note, p.inferred, p.source_note)
