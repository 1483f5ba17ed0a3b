package io.microllm.spi;

public enum DeviceKind { CPU, GPU, ACCELERATOR }
