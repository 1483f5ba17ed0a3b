/** The microllm command line. */
module io.microllm.cli {
    requires io.microllm.spi;
    requires info.picocli;
    opens io.microllm.cli to info.picocli;
}
