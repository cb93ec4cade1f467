package io.bulwark.sample.web;

import io.bulwark.sample.users.UserFile;
import jakarta.enterprise.context.RequestScoped;

/** The user {@link LoginFilter} authenticated for this HTTP request (null before it ran or when it refused). */
@RequestScoped
public class CurrentUser {
    private UserFile.User user;

    void set(UserFile.User user) { this.user = user; }

    public UserFile.User get() { return user; }
}
