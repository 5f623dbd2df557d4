-- title: EU / German data-centre reporting indicators and the figure behind each
-- returns: one row per indicator of EnEfG Anlage 3 and Delegated Regulation (EU) 2024/1364 (queries/reference/eed_indicators.csv), EnEfG first
-- param: indicators VARCHAR: the indicator file (from the settings, [report] indicators; never a caller's parameter)
-- column: indicator_id text: indicator
-- column: legal_reference text: legal reference
-- column: name text: name
-- column: definition text: definition
-- column: symbol text: symbol — as the regulation writes it, where a source showed one
-- column: unit text: unit — the unit the law asks for
-- column: period text: period — previous calendar year, or as of the report
-- column: figure text: figure — query.column of the product figure that supplies the value; empty: the product has no data for it
-- column: source text: source — URL of the legal text
-- column: confidence text: confidence — how the row was checked (docs/reference_data.md)
-- column: note text: note
-- The indicator file is revisable reference data (docs/reference_data.md); its validator is
-- tests/test_reference_files.py. Values are filled in by dashboard/reports/regulatory.py from the
-- figures named in `figure`, run over the report's period.
SELECT indicator_id, legal_reference, name, definition, symbol, unit, period,
       nullif(trim(figure), '') AS figure, source, confidence, note
FROM read_csv($indicators, header = true, all_varchar = true)
ORDER BY starts_with(indicator_id, 'enefg_') DESC, legal_reference, indicator_id
