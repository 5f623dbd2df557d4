-- title: Add law rules not yet stored
-- returns: count of rules added
-- param: load_id INTEGER: this load
INSERT INTO law_rules BY NAME
SELECT rule_id, rule_set, kpi, comparator, threshold, threshold_lower, unit, applies_to, size_threshold_kw,
       size_basis, commissioning_from, commissioning_until, effective_from, effective_until, deadline,
       legal_reference, description, source, source_date, status, confidence, checked_via, note, replaces,
       $load_id AS loaded_by
FROM checked c
WHERE reason IS NULL AND NOT EXISTS (SELECT 1 FROM law_rules r WHERE r.rule_id = c.rule_id)
ORDER BY line
