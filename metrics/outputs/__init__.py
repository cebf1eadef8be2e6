"""Outputs for review conferences, one module per format: chart images, slide deck, workbook, report draft."""
