/**
 * Byzantine replicas and clients on real sockets, for loopback tests, {@code bulwark replica
 * --adversary} and {@code bulwark bench attack}: each is a correct core whose node sends through an
 * {@link io.bulwark.bft.node.OutboundInterceptor} that misbehaves (the core never knows). The
 * simulator's adversaries are in {@code io.bulwark.bft.sim.adversary}.
 */
package io.bulwark.bft.testkit.attack;
