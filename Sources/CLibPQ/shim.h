#ifndef RECON_CLIBPQ_SHIM_H
#define RECON_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
