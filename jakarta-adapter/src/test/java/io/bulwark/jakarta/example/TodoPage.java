package io.bulwark.jakarta.example;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A bean of the web tier (say, behind a REST resource): in client mode its TodoService is the proxy. */
@ApplicationScoped
public class TodoPage {
    @Inject TodoService todos;

    public String addAndShow(String title) throws TooManyTodosException {
        long id = todos.add(title);
        Todo t = todos.get(id);
        return t.owner + ": " + t.title + (t.done ? " (done)" : "");
    }

    public TodoService todos() { return todos; }
}
