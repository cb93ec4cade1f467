package io.bulwark.jakarta.example;

/** The application's own checked exception, declared by the contract: re-created on the client. */
public class TooManyTodosException extends Exception {
    public TooManyTodosException(String message) { super(message); }
}
