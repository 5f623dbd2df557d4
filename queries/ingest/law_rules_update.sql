-- title: Update law rules whose text, dates or threshold changed
-- returns: count of rules changed
-- The load that changed a rule is this session's load (currval of the load sequence).
UPDATE law_rules r SET
    rule_set = c.rule_set, kpi = c.kpi, comparator = c.comparator, threshold = c.threshold,
    threshold_lower = c.threshold_lower, unit = c.unit, applies_to = c.applies_to,
    size_threshold_kw = c.size_threshold_kw, size_basis = c.size_basis,
    commissioning_from = c.commissioning_from, commissioning_until = c.commissioning_until,
    effective_from = c.effective_from, effective_until = c.effective_until, deadline = c.deadline,
    legal_reference = c.legal_reference, description = c.description, source = c.source,
    source_date = c.source_date, status = c.status, confidence = c.confidence, checked_via = c.checked_via,
    note = c.note, replaces = c.replaces, loaded_by = currval('load_id_seq')
FROM checked c
WHERE c.reason IS NULL AND c.rule_id = r.rule_id
  AND (c.rule_set, c.kpi, c.comparator, c.threshold, c.threshold_lower, c.unit, c.applies_to,
       c.size_threshold_kw, c.size_basis, c.commissioning_from, c.commissioning_until, c.effective_from,
       c.effective_until, c.deadline, c.legal_reference, c.description, c.source, c.source_date, c.status,
       c.confidence, c.checked_via, c.note, c.replaces)
      IS DISTINCT FROM
      (r.rule_set, r.kpi, r.comparator, r.threshold, r.threshold_lower, r.unit, r.applies_to,
       r.size_threshold_kw, r.size_basis, r.commissioning_from, r.commissioning_until, r.effective_from,
       r.effective_until, r.deadline, r.legal_reference, r.description, r.source, r.source_date, r.status,
       r.confidence, r.checked_via, r.note, r.replaces)
