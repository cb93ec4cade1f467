package io.bulwark.jakarta.example;

import io.bulwark.jakarta.ReadOnly;
import io.bulwark.jakarta.Replicated;
import java.util.List;

/** The contract clients call: each method is one replicated operation. */
@Replicated
public interface TodoService {
    /** A new todo of the caller's; at most {@link TodoServiceBean#MAX_OPEN} open ones each. */
    long add(String title) throws TooManyTodosException;

    /** Marks the caller's todo done; {@link NotYourTodoException} if it is someone else's. */
    Todo complete(long id);

    /** Renames a todo the caller read before: OptimisticLockException if it changed since. */
    Todo rename(Todo changed);

    @ReadOnly
    Todo get(long id);

    @ReadOnly
    List<Todo> mine();

    @ReadOnly
    long count();

    @ReadOnly
    String whoAmI();

    /** A client-side convenience: runs on the client, calling two operations. */
    default long addAndComplete(String title) throws TooManyTodosException {
        long id = add(title);
        complete(id);
        return id;
    }
}
