package io.bulwark.store.tx;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Indexed;

/** A test entity for paging: ids chosen by the test (negative ones too), a nullable index full of duplicates, a unique one. */
@Entity(name = "Score")
public class Score {
    @Id long id;
    @Indexed Integer points;
    @Indexed(unique = true) String code;

    Score() {}

    Score(long id, Integer points, String code) {
        this.id = id;
        this.points = points;
        this.code = code;
    }
}
