-- title: The rule sets stored: what each is, how many rules, how sure, which load brought them
-- returns: one row per rule set in law_rules
-- column: rule_set text: rule set
-- column: status text: status — in force, pending bill, adopted but not yet applicable (several when the rules differ)
-- column: amends text: amends — the rule sets whose rules its rules replace (column replaces)
-- column: rules count: rules
-- column: thresholds count: thresholds — rules with a number to meet
-- column: unverified count: not verified — rules whose confidence is inferred or unverified
-- column: newest_source date: newest source — date of the newest source text
-- column: loaded_by count: load — the ingest load that stored or last changed its rules (aifd loads)
WITH r AS (
    SELECT l.*, (SELECT string_agg(DISTINCT o.rule_set, ', ')
                 FROM unnest(string_split(trim(l.replaces), ' ')) AS x(id) JOIN law_rules o ON o.rule_id = x.id) AS amended
    FROM law_rules l
)
SELECT rule_set, string_agg(DISTINCT status, '; ' ORDER BY status) AS status,
       string_agg(DISTINCT amended, ', ') AS amends,
       count(*) AS rules,
       count(*) FILTER (WHERE comparator IN ('<=', '>=', '<', '>')) AS thresholds,
       count(*) FILTER (WHERE confidence IN ('inferred', 'unverified')) AS unverified,
       max(source_date) AS newest_source, max(loaded_by) AS loaded_by
FROM r
GROUP BY rule_set
ORDER BY CASE WHEN rule_set LIKE 'enefg%' THEN 0 ELSE 1 END, rule_set
