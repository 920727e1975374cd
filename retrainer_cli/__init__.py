"""The terminal client of Retrainer: `retrainer login`, `submit`, `data`, `pipelines`, `endpoints`,
`runs`, `models`, `deployments`, `principals`, `webhooks`, `triggers`, `completion`.

It speaks to the service over HTTP only, through the generated client (`retrainer_client`,
openapi/retrainer-client) and one shared module around it (retrainer_cli.client): it imports
nothing of the server (the import contract `cli-client-has-no-server`), so that it starts
fast in a CI job and installs without the server's dependencies.

Exit codes: 0 ok, 1 the run failed or was canceled, 2 refused (any 4xx, no credentials,
usage), 3 unreachable, 5xx or --timeout (errors.EXIT_CODES_HELP, in `retrainer --help`). Tables
are for people; --json prints the API's answer for scripts. --profile NAME (a login kept per
server) or RETRAINER_URL says which service.

Modules: one per command group (login, submit, data, pipelines, endpoints, runs, models,
deployments, principals, webhooks, triggers), registered in
retrainer_cli.main; shared by them: client (the session over the generated client), credentials
(whose token, the kept login), errors (exit codes, problem messages), follow (waiting for a run),
options (--url, --profile, --json), output (tables, metrics). See docs/architecture.md for adding a group.
"""
