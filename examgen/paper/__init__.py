"""Papers: blueprints and their grading rules, assembly, the manifest, build, workspaces."""
