"""The service against its floors, measured in one run: `python -m bench [--quick]`.

Modules, one job each: `stack` starts and stops Retrainer's processes, `api` is the
REST client, `data` writes the data sets, `expert` is the plain script (F1), `bare`
the bare Celery floor (F2, M3's fan-out), `load` the HTTP load generator (M4),
`measure` the measurements, `stats` the summaries, `report` the JSON and Markdown.
"""
