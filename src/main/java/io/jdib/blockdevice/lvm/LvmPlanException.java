package io.jdib.blockdevice.lvm;

/** A volume group that cannot be laid out as asked (an LV larger than the space left). */
public final class LvmPlanException extends Exception {
    private final String lv;
    private final String problem;
    private final String remedy;

    public LvmPlanException(String lv, String problem, String remedy) {
        super(problem + "; " + remedy);
        this.lv = lv;
        this.problem = problem;
        this.remedy = remedy;
    }

    /** The logical volume that did not fit, or "" if the VG itself is the problem. */
    public String lv() {
        return lv;
    }

    public String problem() {
        return problem;
    }

    public String remedy() {
        return remedy;
    }
}
