package io.bulwark.bft.core;

import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.PrePrepare;

/**
 * A batch this replica executed, with its own commit for it: kept for the same window as the log
 * (down to the previous stable checkpoint) but across view changes, so that peers that fell behind
 * can catch up ({@link CatchUp}) and fetch the body.
 */
record Executed(PrePrepare body, Commit commit) {}
