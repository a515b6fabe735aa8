"""Qt-free use cases of the terminal, one module per counter task; blocking and thread-safe.

The UI runs them in worker threads, the CLI calls them directly; both get them from
`terminal_app.services.container.build_services(config)`.
"""
