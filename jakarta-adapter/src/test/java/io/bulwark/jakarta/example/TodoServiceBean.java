package io.bulwark.jakarta.example;

import io.bulwark.jakarta.replica.AgreedClock;
import io.bulwark.jakarta.replica.CurrentCaller;
import io.bulwark.store.Tx;
import io.bulwark.store.access.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/** The implementation every replica runs; clients never do (client mode replaces it by a proxy of {@link TodoService}). */
@ApplicationScoped
@Roles("user")
public class TodoServiceBean implements TodoService {
    static final int MAX_OPEN = 3;

    @Inject Tx tx;
    @Inject AgreedClock clock;
    @Inject CurrentCaller caller;

    @Override public long add(String title) throws TooManyTodosException {
        long open = tx.findBy(Todo.class, "owner", caller.principal()).stream().filter(t -> !t.done).count();
        if (open >= MAX_OPEN) throw new TooManyTodosException(caller.principal() + " already has " + open + " open todos");
        Todo t = new Todo();
        t.title = title;
        t.owner = caller.principal();
        t.created = clock.instant();
        tx.persist(t);
        return t.id;
    }

    @Override public Todo complete(long id) {
        Todo t = own(id);
        t.done = true;
        return t;
    }

    @Override public Todo rename(Todo changed) {
        changed.owner = own(changed.id).owner;   // a client may rename, not give away
        return tx.merge(changed);
    }

    @Override public Todo get(long id) { return tx.get(Todo.class, id); }

    @Override public List<Todo> mine() { return tx.findBy(Todo.class, "owner", caller.principal()); }

    @Override public long count() { return tx.range(Todo.class, "id", null, null, false, 0, 1000).size(); }

    @Override public String whoAmI() { return caller.principal(); }

    private Todo own(long id) {
        Todo t = tx.get(Todo.class, id);
        if (!t.owner.equals(caller.principal())) throw new NotYourTodoException("todo " + id + " is " + t.owner + "'s");
        return t;
    }
}
