/* The floor for reading XML here: libxml2's xmlTextReader walking a file and doing nothing
   else (the options recon uses). scripts/read-speed.sh compares recon's camt reading with it. */
#include <libxml/xmlreader.h>
#include <stdio.h>

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    xmlTextReaderPtr reader = xmlReaderForFile(argv[1], NULL, XML_PARSE_NONET | XML_PARSE_COMPACT);
    if (!reader) return 1;
    long nodes = 0;
    while (xmlTextReaderRead(reader) == 1) {
        nodes++;
        xmlTextReaderConstLocalName(reader);
    }
    xmlFreeTextReader(reader);
    printf("%ld nodes\n", nodes);
    return 0;
}
