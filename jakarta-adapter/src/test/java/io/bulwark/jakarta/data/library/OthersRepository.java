package io.bulwark.jakarta.data.library;

import jakarta.data.repository.BasicRepository;
import jakarta.data.repository.Repository;

/** Another provider's repository (a server's own): Bulwark must leave it alone. */
@Repository(provider = "SomeoneElse")
public interface OthersRepository extends BasicRepository<Book, Long> {
}
