"""The PES V2 flux (Hélios) of a batch of titres, and the import file for accounting software.

`selectors` reads a batch into plain records (what the flux says), `builder` writes them as XML,
`schema` validates the bytes against the XSD shipped here, `parser` reads a flux back, `services`
records each export, `accounting` writes the CSV/XLSX import file. Structure and codes:
`shared/reference/pes-v2-recette.md` (DGFiP dossier technique PES V2 v5.19, official XSD).
"""
