/* Schema migration: dossiers, their daily code sequences, pages, hand-overs, supplement
 * requests, refusals, apologies, payments, ratings, and the hash-chained audit log.
 *
 * Times: every timestamp in these tables is Vietnam local time (Asia/Ho_Chi_Minh, UTC+7)
 * as text "YYYY-MM-DD HH:MM" (minute precision, as DOMAIN.md asks), which sorts in time
 * order, reads as is in the sqlite3 CLI and converts with calendar_minute_parse; audit
 * events keep seconds: "YYYY-MM-DD HH:MM:SS". Day keys (daily_sequences.day) are "YYYY-MM-DD". */
#include "store_sqlite_internal.h"

const char store_schema_dossiers[] =
    /* The dossier. procedure_digest (with procedure_effective_from) names the rule version
     * in force at intake; procedure_versions keeps its JSON. pin_hash: keyed BLAKE2b of
     * code and PIN (core/dossier.c); the PIN itself is never stored. step_index: the
     * workflow step (0-based) while status is 'processing'. */
    "CREATE TABLE dossiers ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  agency_code TEXT NOT NULL,"
    "  procedure_code TEXT NOT NULL,"
    "  procedure_digest TEXT NOT NULL,"
    "  procedure_effective_from TEXT NOT NULL,"
    "  department TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('received','supplement_requested','refused',"
    "    'accepted','transferred','processing','done','returned','stopped','withdrawn')),"
    "  step_index INTEGER NOT NULL DEFAULT 0 CHECK (step_index >= 0),"
    "  channel TEXT NOT NULL CHECK (channel IN ('counter','post','online')),"
    "  applicant_name TEXT NOT NULL,"
    "  applicant_id_number TEXT,"
    "  applicant_phone TEXT,"
    "  applicant_email TEXT,"
    "  applicant_address TEXT,"
    "  applicant_json TEXT NOT NULL,"
    "  details_json TEXT NOT NULL DEFAULT '{}',"
    "  pin_hash TEXT NOT NULL,"
    "  received_at TEXT NOT NULL,"
    "  received_by TEXT NOT NULL,"
    "  received_by_name TEXT NOT NULL DEFAULT '',"
    "  accepted_at TEXT,"
    "  appointment_at TEXT,"
    "  due_at TEXT,"
    "  transferred_at TEXT,"
    "  result_at TEXT,"
    "  returned_at TEXT,"
    "  closed_at TEXT,"
    "  supplement_count INTEGER NOT NULL DEFAULT 0 CHECK (supplement_count >= 0),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  FOREIGN KEY (procedure_code, procedure_digest) REFERENCES procedure_versions (code, digest)"
    ");"
    "CREATE INDEX dossiers_by_status ON dossiers (status, received_at);"
    "CREATE INDEX dossiers_by_department ON dossiers (department, status, received_at);"
    "CREATE INDEX dossiers_by_received ON dossiers (received_at);"

    /* The last daily sequence number given per receiving agency and day. */
    "CREATE TABLE daily_sequences ("
    "  agency_code TEXT NOT NULL,"
    "  day TEXT NOT NULL,"
    "  last INTEGER NOT NULL CHECK (last >= 0),"
    "  PRIMARY KEY (agency_code, day)"
    ");"

    /* Uploaded pages, in order; path is relative to [store] files_dir. */
    "CREATE TABLE pages ("
    "  id INTEGER PRIMARY KEY,"
    "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),"
    "  seq INTEGER NOT NULL CHECK (seq >= 1),"
    "  content_type TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  size INTEGER NOT NULL CHECK (size > 0),"
    "  path TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  created_by TEXT NOT NULL,"
    "  UNIQUE (dossier_id, seq)"
    ");"

    /* Hand-overs for Form 05 (Phiếu kiểm soát): one row per transfer or step. */
    "CREATE TABLE handovers ("
    "  id INTEGER PRIMARY KEY,"
    "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),"
    "  step TEXT NOT NULL,"
    "  from_agency TEXT NOT NULL,"
    "  to_agency TEXT NOT NULL,"
    "  given_at TEXT NOT NULL,"
    "  received_at TEXT,"
    "  giver TEXT NOT NULL,"
    "  receiver TEXT,"
    "  due_at TEXT,"
    "  result TEXT CHECK (result IS NULL OR result IN ('early','on_time','late')),"
    "  note TEXT"
    ");"
    "CREATE INDEX handovers_by_dossier ON handovers (dossier_id, id);"

    /* Supplement requests (Form 02, number <id>/HDHS). source: counter at intake or a
     * department sending a deficiency back; override_by: the department head who allowed
     * a second request. */
    "CREATE TABLE supplements ("
    "  id INTEGER PRIMARY KEY,"
    "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),"
    "  items_json TEXT NOT NULL,"
    "  note TEXT,"
    "  source TEXT NOT NULL CHECK (source IN ('counter','department')),"
    "  requested_by TEXT NOT NULL,"
    "  requested_by_name TEXT NOT NULL DEFAULT '',"
    "  requested_at TEXT NOT NULL,"
    "  override_by TEXT,"
    "  answered_at TEXT"
    ");"
    "CREATE INDEX supplements_by_dossier ON supplements (dossier_id, id);"

    /* Refusals (Form 03). */
    "CREATE TABLE refusals ("
    "  id INTEGER PRIMARY KEY,"
    "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),"
    "  reason TEXT NOT NULL,"
    "  refused_by TEXT NOT NULL,"
    "  refused_by_name TEXT NOT NULL DEFAULT '',"
    "  refused_at TEXT NOT NULL"
    ");"

    /* Apologies (Form 04, number <id>/PXL): the new date may be set once per dossier. */
    "CREATE TABLE apologies ("
    "  id INTEGER PRIMARY KEY,"
    "  dossier_id INTEGER NOT NULL UNIQUE REFERENCES dossiers (id),"
    "  reason TEXT NOT NULL,"
    "  new_appointment_at TEXT NOT NULL,"
    "  signed_by TEXT NOT NULL,"
    "  issued_at TEXT NOT NULL"
    ");"

    /* Fees collected at return. */
    "CREATE TABLE payments ("
    "  id INTEGER PRIMARY KEY,"
    "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),"
    "  amount INTEGER NOT NULL CHECK (amount >= 0),"
    "  collected_by TEXT NOT NULL,"
    "  collected_at TEXT NOT NULL,"
    "  note TEXT"
    ");"

    /* Citizen ratings: once per dossier. Scores 1..5; visits >= 1. */
    "CREATE TABLE ratings ("
    "  dossier_id INTEGER PRIMARY KEY REFERENCES dossiers (id),"
    "  satisfaction INTEGER NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),"
    "  on_time INTEGER NOT NULL CHECK (on_time BETWEEN 1 AND 5),"
    "  attitude INTEGER NOT NULL CHECK (attitude BETWEEN 1 AND 5),"
    "  visits INTEGER NOT NULL CHECK (visits >= 1),"
    "  comment TEXT,"
    "  rated_at TEXT NOT NULL"
    ");"

    /* The audit log (core/audit.c): hash = SHA-256(prev_hash || canonical fields).
     * AUTOINCREMENT keeps the highest id ever given in sqlite_sequence, so that a deleted
     * last row is noticed too. The triggers make edits fail; audit_verify finds the
     * edits made with the triggers dropped. */
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  before_json TEXT,"
    "  after_json TEXT,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL"
    ");"
    "CREATE INDEX events_by_subject ON events (subject, id);"
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;";
