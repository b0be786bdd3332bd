#ifndef RECON_CLIBXML2_SHIM_H
#define RECON_CLIBXML2_SHIM_H
// libxml2 is built with ICU here; its ICU types clash with Foundation's in a module that sees
// both ("'UErrorCode' has different definitions"). recon never uses libxml2's ICU encoding
// support (we transcode ourselves), so the ICU declarations are left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>

// libxml2 prints some errors (encoding, I/O) through its generic handler, a variadic C
// function Swift cannot write; they are reported through the structured handler as well.
static void recon_xml_ignore(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

/// Keeps libxml2's generic error printing off this thread's stderr.
static inline void recon_xml_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, recon_xml_ignore);
}
#endif
