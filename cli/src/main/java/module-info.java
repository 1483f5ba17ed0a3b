/** The microllm command line. */
module io.microllm.cli {
    requires io.microllm.spi;
    requires io.microllm.runtime;
    requires io.microllm.conformance;
    requires io.microllm.bench;
    requires info.picocli;
    opens io.microllm.cli to info.picocli;
}
