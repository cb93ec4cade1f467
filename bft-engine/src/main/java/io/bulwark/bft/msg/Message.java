package io.bulwark.bft.msg;

/**
 * A protocol message, decoded. Principals are numbered in one space: replicas 0..n-1,
 * clients n and above (see {@code ClusterConfig}). Authentication is not part of these
 * records except where a message travels on inside another one (a client's request
 * authenticator inside a pre-prepare): the wire layer adds and checks MACs.
 */
public sealed interface Message
        permits Request, PrePrepare, Prepare, Commit, Reply, Checkpoint, Status, NewKey,
                ViewChange, ViewChangeAck, NewView, FetchBatch, Fetch, MetaData, Data, AuthFailure,
                BindChallenge, BindProof, Suspect, KeyAck, StatusQuery, StatusReport, QueryStable, ReplyStable,
                PrePrepareByDigest {
}
