package io.bulwark.jakarta.example;

/** The application's own unchecked exception: re-created on the client from the replicas' agreed failure. */
public class NotYourTodoException extends RuntimeException {
    public NotYourTodoException(String message) { super(message); }
}
