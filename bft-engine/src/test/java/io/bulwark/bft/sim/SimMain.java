package io.bulwark.bft.sim;

public class SimMain {
    public static void main(String[] a) {
        int seeds = Integer.parseInt(a[0]);
        int req = Integer.parseInt(a[1]);
        Campaign.Summary s = Campaign.run(Long.parseLong(a.length > 2 ? a[2] : "1"), seeds, new int[] {1, 2}, req, 8, false, System.out);
        System.out.println(s.json());
    }
}
