"""Show and export: the HTML report and record exports."""
