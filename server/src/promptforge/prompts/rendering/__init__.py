"""Sandboxed Jinja2 rendering of prompt templates with hard time, size and composition limits.

DESIGN.md §6 and §11: a sandbox bounds no CPU or memory, so on top of Jinja's
`ImmutableSandboxedEnvironment` (with `StrictUndefined`, autoescape off):

* Nothing slow runs on the event loop: a render is first tried inline under a few-millisecond
  deadline and otherwise moves to the `Renderer`'s small thread pool (`renderer`).
* Time: `deadline` installs a trace function that raises once the deadline has passed, so a
  runaway template (or variables schema) is stopped within the limit.
* Size: tracing cannot interrupt a single C-level operation, so every operation that can build
  a large value in one step first estimates its result against the output limit (`size_guard`,
  `filters`, `sandbox`).
* Shape: what a template may look like (text or chat messages, size, encoding, syntax, includes)
  is checked in one place, `templates`, for saved versions, imports and playground drafts.
* Variables: the declared JSON Schema is checked when it is saved (no reference leaves the schema,
  every regex compiles on RE2) and validated on each render under the same deadline (`variables`).

Modules import each other directly; there is no re-export here.
"""
