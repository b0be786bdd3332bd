/* The floors for reading XML here: libxml2 walking a file and doing nothing else, through
   xmlTextReader ("reader", what the target is stated against) or through the SAX2 push
   parser in 256 KiB chunks ("sax", what recon uses), with the options recon uses.
   scripts/read-speed.sh compares recon's camt reading with both. */
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <string.h>

static long nodes = 0;

static void on_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int nns,
                     const xmlChar **ns, int nattrs, int ndefaulted, const xmlChar **attrs) {
    nodes++;
}

static int sax(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return 1;
    xmlSAXHandler handler;
    memset(&handler, 0, sizeof handler);
    handler.initialized = XML_SAX2_MAGIC;
    handler.startElementNs = on_start;
    static char buffer[256 << 10];
    size_t n = fread(buffer, 1, sizeof buffer, f);
    xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt(&handler, NULL, buffer, (int)n, path);
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
    int status = xmlParseChunk(ctxt, NULL, 0, 0);
    while (status == 0 && (n = fread(buffer, 1, sizeof buffer, f)) > 0) status = xmlParseChunk(ctxt, buffer, (int)n, 0);
    if (status == 0) status = xmlParseChunk(ctxt, NULL, 0, 1);
    xmlFreeParserCtxt(ctxt);
    fclose(f);
    return status;
}

static int reader(const char *path) {
    xmlTextReaderPtr r = xmlReaderForFile(path, NULL, XML_PARSE_NONET | XML_PARSE_COMPACT);
    if (!r) return 1;
    while (xmlTextReaderRead(r) == 1) {
        if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT) nodes++;
        xmlTextReaderConstLocalName(r);
    }
    xmlFreeTextReader(r);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int status = strcmp(argv[1], "sax") == 0 ? sax(argv[2]) : reader(argv[2]);
    printf("%ld elements\n", nodes);
    return status;
}
