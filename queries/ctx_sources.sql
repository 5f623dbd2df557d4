-- title: Every reference figure about the peers, with its source
-- returns: one row per stored peer figure (table peers, loaded from queries/reference/peers.csv or a user's revision through the ingest log), by group and peer
-- uses: peer_figures (queries/definitions/030_context.sql)
-- column: row_id text: row id
-- column: peer text: peer
-- column: peer_group text: group
-- column: metric text: metric
-- column: quantity text: quantity — flops, accelerators, power, investment, other (table peer_metrics)
-- column: basis text: basis — FLOPS: measured, peak, stated
-- column: precision text: precision — empty: not stated, or not a FLOP figure
-- column: sparsity text: sparsity
-- column: value text: as stated — the value as the source states it
-- column: unit text: unit
-- column: unit_note text: unit note
-- column: derived bool: derived — derived for the reference file, not stated by the source
-- column: source_kind text: source kind
-- column: source url: source — the first source URL
-- column: sources text: all sources — every URL, separated by " ; "
-- column: source_note text: source note — what the URL is, and for derived figures the inputs
-- column: confidence text: confidence
-- column: note text: note
-- column: load_id count: load — the load that stored this version (aifd loads)
SELECT row_id, peer, peer_group, metric, quantity, basis, precision, sparsity, value, unit, unit_note, derived,
       source_kind, url AS source, source AS sources, source_note, confidence, note, load_id
FROM peer_figures
ORDER BY peer_group = 'site' DESC, peer_group, peer, row_id
