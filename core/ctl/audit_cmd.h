/* motcuactl audit: checks the audit log's hash chain. */
#ifndef MOTCUA_CTL_AUDIT_CMD_H
#define MOTCUA_CTL_AUDIT_CMD_H

/* motcuactl audit verify [--config FILE]: argv[0] is "audit". Exit status: 0 when the
 * chain is intact, 1 when a row is bad (named on stderr), 2 on usage or read errors. */
int ctl_audit(int argc, char **argv);

#endif
