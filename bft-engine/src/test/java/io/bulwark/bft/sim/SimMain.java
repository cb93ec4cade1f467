package io.bulwark.bft.sim;

public class SimMain {
    public static void main(String[] a) {
        Campaign.Summary s = Campaign.run(Long.parseLong(a[2]), Integer.parseInt(a[0]), new int[] {1, 2}, Integer.parseInt(a[1]), 8, a.length < 4, System.out);
        System.out.println(s.json());
    }
}
