/** The event contract shared by every service: one envelope, its type names, payload records and channel names. */
package dev.forum.contract;
