package io.bulwark.jakarta.example;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.GeneratedValue;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Indexed;
import io.bulwark.store.annotation.Version;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** One item of someone's todo list. Invariant (checked on the replicas): a title of 1-100 characters, not blank. */
@Entity
public class Todo {
    @Id @GeneratedValue public long id;
    @NotBlank @Size(max = 100) public String title;
    @Indexed public String owner;
    public boolean done;
    public Instant created;
    @Version public long version;

    public Todo() {}
}
