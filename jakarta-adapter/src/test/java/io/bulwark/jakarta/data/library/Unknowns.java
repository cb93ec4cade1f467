package io.bulwark.jakarta.data.library;

import jakarta.data.repository.BasicRepository;
import jakarta.data.repository.Repository;

/** Hostile: a Bulwark repository over a class that is no Bulwark entity. */
@Repository(provider = "Bulwark")
public interface Unknowns extends BasicRepository<String, Long> {
}
