/** The microllm service-provider interface: what a kernel backend implements. */
module io.microllm.spi {
    exports io.microllm.spi;
    uses io.microllm.spi.BackendProvider;
}
