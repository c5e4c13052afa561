"""The editorial workflow: answers saved as articles, reviewed by people with roles, every change
versioned and audited, and articles sent back to review when the evidence they cite changes.

Modules, one concern each:

* :mod:`.states` — statuses, roles, actions and the legal transitions;
* :mod:`.users` — people, roles, API tokens (stored as SHA-256 hashes only);
* :mod:`.articles` — articles and their append-only versions (storage and reads);
* :mod:`.workflow` — the writes: save, edit, status actions (roles, optimistic concurrency, audit);
* :mod:`.audit` — the append-only audit trail;
* :mod:`.checks` — claim-check reports attached to versions (interface for ``medbrief.checking``);
* :mod:`.stale` — after an ingest, approved articles citing changed evidence go back to review;
* :mod:`.public` — the public view of an article and the review summary of an answer;
* :mod:`.cli`, :mod:`.api`, :mod:`.pages` — command line, JSON API and HTML pages.

See docs/editorial-workflow.md.
"""
