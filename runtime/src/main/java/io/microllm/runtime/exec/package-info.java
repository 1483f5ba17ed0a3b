/**
 * Running ops across backends: {@link io.microllm.runtime.exec.Executor} places each op on the first backend that
 * supports it, keeps tensors that several backends use in sync, and counts it all in a
 * {@link io.microllm.runtime.exec.PlacementReport}.
 */
package io.microllm.runtime.exec;
