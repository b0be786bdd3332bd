#ifndef RECON_CISAL_SHIM_H
#define RECON_CISAL_SHIM_H
// ISA-L's igzip: inflate in x86-64 assembly, about twice zlib's speed here (issue 17)
#include <isa-l/igzip_lib.h>
#endif
