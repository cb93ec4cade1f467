package io.bulwark.bft.sim;

/** Makes the {@link Link} of each simulated principal. */
interface Links {
    Link link(int principal);

    /** Records passed as they are. */
    final class Plain implements Links {
        @Override public Link link(int principal) { return new PlainLink(principal); }
    }
}
