/* Schema migration: the scanner service's job queue (scan_jobs), its per-page results
 * (scan_pages) and each dossier's completeness verdict (scan_verdicts).
 *
 * Times: created_at, started_at, finished_at, recognised_at, override_at are Vietnam local
 * "YYYY-MM-DD HH:MM" like the dossier tables; heartbeat_at is Unix seconds (UTC), because a
 * stale claim is found by comparing it with the clock to the second. */
#include "store_sqlite_internal.h"

const char store_schema_scan[] =
    /* A job of motcua-scand for one dossier. kind: 'import' recognises the dossier's uploaded
     * pages not yet recognised (and reclassifies), 'capture' first captures a batch from the
     * station's SANE device. state: queued -> running (claimed_by = pid on claimed_host,
     * heartbeat_at refreshed while it works) -> done | failed; a running job whose claimer is
     * gone goes back to queued, or to failed after max attempts. phase: where a running job
     * is ('capture', 'ocr', 'classify'); a capture job found past 'capture' on resume does not
     * capture again (the paper has left the feeder). error: English for the log; error_vi: for
     * the officer (also set on a done job whose capture stopped early, e.g. a jam). */
    "CREATE TABLE scan_jobs ("
    "  id INTEGER PRIMARY KEY,"
    "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('import','capture')),"
    "  station TEXT,"
    "  device TEXT,"
    "  source TEXT,"
    "  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','running','done','failed')),"
    "  phase TEXT,"
    "  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
    "  claimed_by INTEGER,"
    "  claimed_host TEXT,"
    "  heartbeat_at INTEGER,"
    "  pages_captured INTEGER NOT NULL DEFAULT 0,"
    "  pages_recognised INTEGER NOT NULL DEFAULT 0,"
    "  pages_total INTEGER NOT NULL DEFAULT 0,"
    "  error TEXT,"
    "  error_vi TEXT,"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  started_at TEXT,"
    "  finished_at TEXT"
    ");"
    "CREATE INDEX scan_jobs_by_state ON scan_jobs (state, id);"
    "CREATE INDEX scan_jobs_by_dossier ON scan_jobs (dossier_id, id);"

    /* One row per page image of a dossier, in dossier order (ordinal, 1-based): page_index of
     * the uploaded file pages.id = page_id (multi-page TIFF/PDF give several rows), file its
     * path under files_dir. UNIQUE (page_id, page_index): a page is registered once, so it is
     * recognised once. state: pending -> done | failed, written as each page finishes.
     * document/confidence/continuation: the classifier's; override_document (with who and
     * when) the officer's, which wins. text_path: the OCR text under files_dir. */
    "CREATE TABLE scan_pages ("
    "  id INTEGER PRIMARY KEY,"
    "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),"
    "  job_id INTEGER NOT NULL REFERENCES scan_jobs (id),"
    "  ordinal INTEGER NOT NULL CHECK (ordinal >= 1),"
    "  page_id INTEGER NOT NULL REFERENCES pages (id),"
    "  page_index INTEGER NOT NULL DEFAULT 0 CHECK (page_index >= 0),"
    "  file TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','done','failed')),"
    "  recognised_by_job INTEGER REFERENCES scan_jobs (id),"
    "  recognised_at TEXT,"
    "  document TEXT,"
    "  blank INTEGER NOT NULL DEFAULT 0 CHECK (blank IN (0,1)),"
    "  rotation INTEGER NOT NULL DEFAULT 0,"
    "  skew REAL NOT NULL DEFAULT 0,"
    "  confidence REAL NOT NULL DEFAULT 0,"
    "  ocr_confidence REAL NOT NULL DEFAULT 0,"
    "  continuation INTEGER NOT NULL DEFAULT 0 CHECK (continuation IN (0,1)),"
    "  text_path TEXT,"
    "  error TEXT,"
    "  error_vi TEXT,"
    "  override_document TEXT,"
    "  override_by TEXT,"
    "  override_at TEXT,"
    "  UNIQUE (dossier_id, ordinal),"
    "  UNIQUE (page_id, page_index)"
    ");"
    "CREATE INDEX scan_pages_pending ON scan_pages (dossier_id, state, ordinal);"

    /* The latest completeness verdict of a dossier (scan/completeness.h's object plus the
     * effective document of each page), written with the classification that produced it. */
    "CREATE TABLE scan_verdicts ("
    "  dossier_id INTEGER PRIMARY KEY REFERENCES dossiers (id),"
    "  job_id INTEGER REFERENCES scan_jobs (id),"
    "  verdict_json TEXT NOT NULL,"
    "  computed_at TEXT NOT NULL"
    ");";
