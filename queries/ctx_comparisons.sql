-- title: Comparisons the Context page offers: each precision, sparsity and basis at which the site or a peer has a FLOPS figure
-- returns: one row per comparison, widest precision first, measured before peak, dense before sparse
-- uses: peer_figures, peer_label (queries/definitions/030_context.sql)
-- column: comparison text: comparison — key precision/sparsity/basis, as the page's URL carries it (?compare=fp8/dense/peak)
-- column: label text: label — the comparison in words
-- column: precision text: precision
-- column: sparsity text: sparsity
-- column: basis text: basis — measured (an HPL run) or peak (theoretical: TOP500 Rpeak, datasheet peak × count)
-- column: peers count: peers with a figure — peers in the reference data with a figure at exactly this comparison
-- column: site_from_store bool: site from the store — the store gives the site a figure here (catalog nameplate × inventory; the store holds no HPL run)
--
-- The site's nameplate exists at every catalog precision (fp64, tf32, bf16, fp8, fp4), dense and
-- sparse (FP64 has no sparse figure), as in perf_claim_check. Claims (basis stated) are not a
-- comparison of their own: the page shows them beside the claim (ctx_claims).
WITH site AS (
    SELECT p.precision, s.sparsity, 'peak' AS basis
    FROM (VALUES ('fp64'), ('tf32'), ('bf16'), ('fp8'), ('fp4')) p(precision),
         (VALUES ('dense'), ('sparse')) s(sparsity)
    WHERE NOT (p.precision = 'fp64' AND s.sparsity = 'sparse')
),
peer AS (
    SELECT precision, sparsity, basis, count(DISTINCT peer_id) AS peers
    FROM peer_figures
    WHERE quantity = 'flops' AND compared AND basis IN ('measured', 'peak')
      AND precision IS NOT NULL AND sparsity IS NOT NULL AND (low IS NOT NULL OR high IS NOT NULL)
    GROUP BY ALL
),
comparisons AS (
    SELECT precision, sparsity, basis FROM site UNION SELECT precision, sparsity, basis FROM peer
)
SELECT c.precision || '/' || c.sparsity || '/' || c.basis AS comparison,
       peer_label(c.precision, c.sparsity, c.basis) AS label,
       c.precision, c.sparsity, c.basis, coalesce(peer.peers, 0) AS peers,
       site.precision IS NOT NULL AS site_from_store
FROM comparisons c
LEFT JOIN peer USING (precision, sparsity, basis)
LEFT JOIN site USING (precision, sparsity, basis)
LEFT JOIN peer_precisions pp USING (precision)
ORDER BY coalesce(pp.ord, 99), c.precision, c.basis = 'peak', c.sparsity = 'sparse'
