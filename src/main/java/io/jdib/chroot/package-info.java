/**
 * Running hooks inside the image's tree ({@link io.jdib.chroot.Chroot}): {@code /proc}, {@code /dev},
 * {@code /dev/pts} and a read-only {@code /sys} mounted through the ledger, the hooks read-only at
 * {@code /tmp/in_target.d}, the host's resolv.conf lent and given back, services kept from starting.
 *
 * <p>Depends on: {@code hook}, {@code sys}.
 */
package io.jdib.chroot;
