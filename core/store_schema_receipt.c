/* Schema migration: the lookup PIN kept sealed beside its hash, so Form 01 (the receipt) can be printed again with it. */
#include "store_sqlite_internal.h"

/* pin_sealed: hex of dossier_pin_seal (core/dossier.h), libsodium secretbox under a key
 * derived from meta 'pin_key'; opened only to render Form 01, never put in a JSON view.
 * pin_hash stays what public lookups check. NULL for dossiers received before this
 * migration: their PIN was shown once and cannot be recovered, so their reprinted
 * receipts carry the lookup address without it. */
const char store_schema_receipt[] =
    "ALTER TABLE dossiers ADD COLUMN pin_sealed TEXT;";
