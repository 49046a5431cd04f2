package io.jdib.blockdevice.lvm;

/** A volume group that cannot be laid out as asked (an LV larger than the space left). */
public final class LvmPlanException extends Exception {
  private final String lv;

  public LvmPlanException(String lv, String message) {
    super(message);
    this.lv = lv;
  }

  /** The logical volume that did not fit, or "" if the VG itself is the problem. */
  public String lv() {
    return lv;
  }
}
