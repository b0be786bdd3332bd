#ifndef RECON_CLIBXML2_SHIM_H
#define RECON_CLIBXML2_SHIM_H
// libxml2 is built with ICU here; its ICU types clash with Foundation's in a module that sees
// both ("'UErrorCode' has different definitions"). recon never uses libxml2's ICU encoding
// support (we transcode ourselves), so the ICU declarations are left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>
#endif
