"""Generators of bench data, one module per domain (org now; customers, deals, invoices later).
Each module has ``existing(scale) -> int`` and ``build(scale)``; bench.generate runs them in order."""
